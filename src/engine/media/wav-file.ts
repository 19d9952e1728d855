// Writes mono PCM as a 16-bit WAV: the mixed or joined voice track lipsync-image-multi hands to
// the encoder. Plain JS, so the bytes depend on the samples only.
import { writeFile } from 'node:fs/promises';

export async function writeWavMono(path: string, samples: Float32Array, sampleRate: number): Promise<void> {
  const dataBytes = samples.length * 2;
  const wav = Buffer.alloc(44 + dataBytes);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + dataBytes, 4);
  wav.write('WAVEfmt ', 8, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(sampleRate, 24);
  wav.writeUInt32LE(sampleRate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    wav.writeInt16LE(Math.round(s * 32767), 44 + 2 * i);
  }
  await writeFile(path, wav);
}
