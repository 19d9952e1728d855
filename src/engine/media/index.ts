// The media layer: every ffmpeg/ffprobe process, network fetch and image decode of the engine.
export { ffmpegPath, ffprobePath } from './binaries.js';
export { fetchMedia, type FetchMediaOptions } from './fetch.js';
export { blockedAddressReason, resolveAllowedAddress, systemResolver, type HostResolver, type ResolvedAddress } from './address-guard.js';
export { probeMedia, type MediaProbe } from './probe.js';
export { decodeAudioMono, type DecodedAudio, type DecodeAudioOptions } from './audio-decode.js';
export { loadImageRgba, outputSize as imageOutputSize, type LoadImageOptions, type RgbaImage } from './image.js';
export { openVideoEncoder, withVideoEncoder, type VideoEncoder, type VideoEncoderOptions } from './encoder.js';
export { decodeVideoFramePairs, type DecodedFramePair, type PairedDecodeOptions } from './paired-decode.js';
export {
  decodeVideoFrames, decodeVideoFramesYuv420, workingYuv420, workingYuv420Matrix,
  type DecodedFrame, type DecodedYuv420Frame, type DecodeVideoOptions, type WorkingYuv420,
} from './video-decode.js';
export { writeSeekableVideoCopy, type SeekableCopyOptions } from './seekable-copy.js';
export { writeWavMono } from './wav-file.js';
export { loadMaskImage, type LoadMaskOptions } from './mask-image.js';
export { rgbaChangesToYuv420, rgbaToYuv420, yuv420FrameBytes, yuv420ToRgba, type FrameRegion, type YuvMatrix } from './yuv420.js';
