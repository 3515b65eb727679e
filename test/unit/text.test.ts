/** The one text rule for names and labels: well-formed Unicode, nothing invisible, no stacks of combining marks. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_COMBINING_MARKS, textFault } from '../../shared/domain/text.ts';
import { linkLabel, personName } from '../../shared/domain/values.ts';

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit));
const anyText = fc.string({ unit: 'binary', maxLength: 30 });
const illFormed = fc.tuple(anyText, loneSurrogate, anyText).map(([a, lone, b]) => `${a}${lone}${b}`).filter((text) => !text.isWellFormed());

describe('the text rule', () => {
  it('refuses any text holding a lone surrogate', () => {
    fc.assert(
      fc.property(illFormed, (text) => {
        expect(textFault(text)).toMatch(/well-formed/);
      }),
    );
    expect(textFault('Eve\udc00')).toMatch(/well-formed/);
  });

  it(`takes up to ${MAX_COMBINING_MARKS} combining marks in a row and refuses more`, () => {
    expect(textFault(`q${'\u0301'.repeat(MAX_COMBINING_MARKS)}`)).toBeUndefined();
    expect(textFault(`q${'\u0301'.repeat(MAX_COMBINING_MARKS + 1)}`)).toMatch(/combining marks/);
    expect(textFault(`Z${'\u0301'.repeat(90)}`)).toMatch(/combining marks/);
  });

  it.each([
    ['Vietnamese, decomposed', 'Nguye\u0302\u0303n Thi\u0323\u0302'],
    ['Hebrew with dagesh, points and a cantillation mark (4 marks)', '\u05E9\u05BC\u05C1\u05B8\u0591\u05DC\u05D5\u05B9\u05DD'],
    ['a Tibetan stack with its vowel (4 marks)', '\u0F67\u0FA8\u0FB1\u0F71\u0F74'],
    ['Devanagari', '\u0915\u093C\u094D\u0937\u093F\u0924\u093F\u091C\u093C'],
    ['Thai', '\u0E19\u0E49\u0E33\u0E1E\u0E36\u0E48\u0E07'],
    ['Greek with breathing and accent', '\u1F08\u03BD\u03BD\u03B1 \u03B1\u0313\u0301\u0345'],
    ['an emoji with its skin tone', 'Sam \u{1F44B}\u{1F3FD}'],
  ])('keeps names in living scripts: %s', (_, name) => {
    expect(textFault(name)).toBeUndefined();
    expect(personName.safeParse(name).success).toBe(true);
  });

  it('is what every name and label is checked with: whatever they keep, the rule keeps', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, illFormed, fc.string({ unit: 'grapheme', maxLength: 30 })), (text) => {
        for (const schema of [personName, linkLabel]) {
          const parsed = schema.safeParse(text);
          if (parsed.success) {
            expect(parsed.data.isWellFormed()).toBe(true);
            expect(textFault(parsed.data)).toBeUndefined();
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses control, invisible and direction-changing characters as before', () => {
    for (const text of ['A\u0000', 'Eve\u202Egnp.exe', 'a\u2028b', 'zero\u200Bwidth']) expect(textFault(text)).toMatch(/invisible/);
  });
});
