// The `prompt` style hint: a small documented vocabulary, English and Italian, mapped onto the few
// things the renderer can vary. Words outside it are ignored; a word right after a negation
// ("not", "no", "non", "senza", "without") is skipped, so "not smiling" does not smile.
//
// | words (any of)                                                     | effect                                  |
// |--------------------------------------------------------------------|-----------------------------------------|
// | calm, relaxed · calmo/a, tranquillo/a, rilassato/a                 | articulation ×0.85, head ×0.6, blinks ×0.8 |
// | expressive, animated, lively, energetic · espressivo/a, animato/a, vivace, energico/a | articulation ×1.2, head ×1.6, blinks ×1.1 |
// | smile, smiling, happy, cheerful · sorriso, sorridente, felice, allegro/a | mouth corners lifted                 |
// | still, steady, static · fermo/a, immobile, statico/a               | head motion ×0.2                        |
// | subtle, soft, gentle · leggero/a, sottile, delicato/a              | articulation ×0.75, head ×0.8           |
// | strong, pronounced, exaggerated · forte, marcato/a, pronunciato/a, esagerato/a | articulation ×1.3            |
// | serious, neutral · serio/a, neutro/a                               | no corner lift, head ×0.8               |
// | nervous, anxious · nervoso/a, ansioso/a                            | blinks ×1.8, head ×1.3                  |
// | focused, attentive · concentrato/a, attento/a                      | blinks ×0.6                             |
// | sleepy, tired · assonnato/a, stanco/a                              | blinks ×1.5, articulation ×0.85         |
// Effects multiply (and are then clamped), so "calm subtle" is calmer than either.

export interface SpeakingStyle {
  /** Scales how wide the mouth opens and spreads (0.5..1.5). */
  articulation: number;
  /** Scales the idle head sway (0..2); a video keeps its own motion. */
  headMotion: number;
  /** Scales how often the eyes blink (0.3..2.5); a video keeps its own blinks. */
  blinkRate: number;
  /** 0..1 mouth corners raised. */
  cornerLift: number;
}

export const NEUTRAL_STYLE: SpeakingStyle = { articulation: 1, headMotion: 1, blinkRate: 1, cornerLift: 0 };

interface StyleEffect {
  articulation?: number;
  headMotion?: number;
  blinkRate?: number;
  /** Set the corner lift to this (the last such word wins). */
  cornerLift?: number;
}

const VOCABULARY: Array<{ words: string[]; effect: StyleEffect }> = [
  { words: ['calm', 'relaxed', 'calmo', 'calma', 'tranquillo', 'tranquilla', 'rilassato', 'rilassata'],
    effect: { articulation: 0.85, headMotion: 0.6, blinkRate: 0.8 } },
  { words: ['expressive', 'animated', 'lively', 'energetic', 'espressivo', 'espressiva', 'animato', 'animata', 'vivace', 'energico', 'energica'],
    effect: { articulation: 1.2, headMotion: 1.6, blinkRate: 1.1 } },
  { words: ['smile', 'smiling', 'smiley', 'happy', 'cheerful', 'sorriso', 'sorridente', 'sorridi', 'felice', 'allegro', 'allegra'],
    effect: { cornerLift: 0.6 } },
  { words: ['still', 'steady', 'static', 'fermo', 'ferma', 'immobile', 'statico', 'statica'],
    effect: { headMotion: 0.2 } },
  { words: ['subtle', 'soft', 'gentle', 'leggero', 'leggera', 'sottile', 'delicato', 'delicata'],
    effect: { articulation: 0.75, headMotion: 0.8 } },
  { words: ['strong', 'pronounced', 'exaggerated', 'forte', 'marcato', 'marcata', 'pronunciato', 'pronunciata', 'esagerato', 'esagerata'],
    effect: { articulation: 1.3 } },
  { words: ['serious', 'neutral', 'serio', 'seria', 'neutro', 'neutra'],
    effect: { cornerLift: 0, headMotion: 0.8 } },
  { words: ['nervous', 'anxious', 'nervoso', 'nervosa', 'ansioso', 'ansiosa'],
    effect: { blinkRate: 1.8, headMotion: 1.3 } },
  { words: ['focused', 'attentive', 'concentrato', 'concentrata', 'attento', 'attenta'],
    effect: { blinkRate: 0.6 } },
  { words: ['sleepy', 'tired', 'assonnato', 'assonnata', 'stanco', 'stanca'],
    effect: { blinkRate: 1.5, articulation: 0.85 } },
];

const NEGATIONS = new Set(['not', 'no', 'without', 'non', 'senza', 'never', 'mai']);
const EFFECT_OF = new Map<string, StyleEffect>(VOCABULARY.flatMap(({ words, effect }) => words.map((w) => [w, effect] as const)));

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Which parts of the style a pipeline uses: a word that changes none of them is not "applied". */
export type StyleAspect = keyof SpeakingStyle;

export interface PromptStyle {
  style: SpeakingStyle;
  /** Vocabulary words found (lower case, in prompt order, once each) that changed an aspect in `uses`. */
  appliedWords: string[];
}

export function styleFromPrompt(prompt: string | undefined, uses: readonly StyleAspect[] = ['articulation', 'headMotion', 'blinkRate', 'cornerLift']): PromptStyle {
  const style = { ...NEUTRAL_STYLE };
  const appliedWords: string[] = [];
  if (!prompt) return { style, appliedWords };
  // Letters only, accents kept (Italian "sorridente" and "perché" both survive), lower case.
  const tokens = prompt.toLowerCase().normalize('NFC').split(/[^\p{L}]+/u).filter(Boolean);
  tokens.forEach((token, i) => {
    const effect = EFFECT_OF.get(token);
    if (!effect || (i > 0 && NEGATIONS.has(tokens[i - 1]))) return;
    let applied = false;
    for (const aspect of uses) {
      const value = effect[aspect];
      if (value === undefined) continue;
      if (aspect === 'cornerLift') style.cornerLift = value;
      else style[aspect] *= value;
      applied = true;
    }
    if (applied && !appliedWords.includes(token)) appliedWords.push(token);
  });
  style.articulation = clamp(style.articulation, 0.5, 1.5);
  style.headMotion = clamp(style.headMotion, 0, 2);
  style.blinkRate = clamp(style.blinkRate, 0.3, 2.5);
  style.cornerLift = clamp(style.cornerLift, 0, 1);
  return { style, appliedWords };
}
