/** A link's join-rate guard, counted from its one-second buckets, with no AWS at all: the window a join closes, which joins count, and the threshold. */
import { describe, expect, it } from 'vitest';
import { bucketOf, countedJoinOf, countWindow, entryOf, markOf, passesThreshold, windowOf } from '../../shared/streams/guard/window.ts';

const at = (minutes: number, seconds = 0) => new Date(Date.UTC(2026, 5, 1, 9, 0) + minutes * 60_000 + seconds * 1000).toISOString();
const entry = (minutes: number, id: string, seconds = 0) => entryOf({ joinedAt: at(minutes, seconds), joinId: id });
const counted = (entries: string[], joinedAt: string, withinMinutes = 10, marks: string[] = []) => countWindow(entries, marks, joinedAt, withinMinutes).joins.map((j) => j.joinId);

describe('the second a join is counted in', () => {
  it('is its record\'s UTC second, and the bucket spells the join by its time and id', () => {
    expect(bucketOf('2026-06-01T09:30:59.999Z')).toBe('2026-06-01T09:30:59');
    expect(bucketOf('2026-06-01T23:59:00.000Z')).toBe('2026-06-01T23:59:00');
    expect(entryOf({ joinedAt: '2026-06-01T09:30:01.000Z', joinId: 'j1' })).toBe('2026-06-01T09:30:01.000Z#j1');
    expect(countedJoinOf('2026-06-01T09:30:01.000Z#j1')).toEqual({ joinedAt: '2026-06-01T09:30:01.000Z', joinId: 'j1' });
    expect(countedJoinOf('not a join')).toBeUndefined();
    expect(countedJoinOf('2026-06-01T09:30:01.000Z#')).toBeUndefined();
  });
});

describe('the window a join closes', () => {
  it('reads the buckets from the minute `withinMinutes` before it to its own, across midnight too', () => {
    expect(windowOf(at(30, 15), 10)).toMatchObject({ firstBucket: '2026-06-01T09:20:15', lastBucket: '2026-06-01T09:30:15' });
    expect(windowOf('2026-06-02T00:04:00.000Z', 10)).toMatchObject({ firstBucket: '2026-06-01T23:54:00', lastBucket: '2026-06-02T00:04:00' });
    expect(windowOf(at(0), 1440)).toMatchObject({ firstBucket: '2026-05-31T09:00:00', lastBucket: '2026-06-01T09:00:00' });
  });

  it('counts the joins of the last `withinMinutes` up to this one, to the millisecond: not older, not later', () => {
    const entries = [entry(19, 'too-old', 59), entry(20, 'at-the-start'), entry(20, 'just-in', 1), entry(25, 'inside'), entry(30, 'this-one'), entry(30, 'later', 1)];
    expect(counted(entries, at(30))).toEqual(['just-in', 'inside', 'this-one']);
  });

  it('counts a join the stream brought twice once, and keeps them oldest first', () => {
    expect(counted([entry(3, 'b'), entry(1, 'a'), entry(3, 'b'), entry(2, 'c')], at(5))).toEqual(['a', 'c', 'b']);
  });

  it('names a burst through the joins seen after the one that passed the threshold, from the same start', () => {
    const entries = [entry(0, 'too-old'), entry(2, 'a'), entry(5, 'crossing'), entry(6, 'after-1'), entry(14, 'after-2')];
    expect(countWindow(entries, [], at(5), 4, at(14)).joins.map((j) => j.joinId)).toEqual(['a', 'crossing', 'after-1', 'after-2']);
    expect(counted(entries, at(5), 4)).toEqual(['a', 'crossing']);
  });

  it('leaves out what is not a join', () => {
    expect(counted(['garbage', entry(2, 'a')], at(5))).toEqual(['a']);
  });
});

describe('after the guard paused the link', () => {
  const burst = [entry(1, 'b1'), entry(1, 'b2', 10), entry(2, 'b3')];

  it('says so while the pause is in the window and counting has not started afresh', () => {
    expect(countWindow(burst, [markOf({ paused: at(2) })], at(3), 10).pausedSince).toBe(true);
    expect(countWindow(burst, [], at(3), 10).pausedSince).toBe(false);
    expect(countWindow(burst, [markOf({ paused: at(2) })], at(13), 10).pausedSince).toBe(false);
  });

  it('once resumed and started afresh, counts only the joins from the fresh start, and the old pause no longer counts', () => {
    const marks = [markOf({ paused: at(2) }), markOf({ restarted: at(4) })];
    const window = countWindow([...burst, entry(4, 'first-after'), entry(5, 'next')], marks, at(5), 10);
    expect(window.joins.map((j) => j.joinId)).toEqual(['first-after', 'next']);
    expect(window.pausedSince).toBe(false);
  });

  it('a join from before a fresh start (the stream bringing it again after a resume) is not judged again', () => {
    const window = countWindow([...burst, entry(3, 'before-restart')], [markOf({ paused: at(2) }), markOf({ restarted: at(4) })], at(3), 10);
    expect(window.superseded).toBe(true);
    expect(countWindow(burst, [markOf({ restarted: at(2) })], at(2), 10).superseded).toBe(false);
  });
});

describe('the threshold', () => {
  const guard = { joins: 5, withinMinutes: 10 };
  it('is passed by more than `joins` joins in the window, not by exactly that many', () => {
    expect(passesThreshold(5, guard)).toBe(false);
    expect(passesThreshold(6, guard)).toBe(true);
  });

  it('five joins every eleven minutes never pass five within ten; six within ten do', () => {
    const spread = Array.from({ length: 30 }, (_, i) => entry(Math.floor(i / 5) * 11, `s${i}`, i % 5));
    for (const e of spread) expect(passesThreshold(countWindow(spread, [], countedJoinOf(e)!.joinedAt, 10).joins.length, guard)).toBe(false);
    const burst = Array.from({ length: 6 }, (_, i) => entry(i * 1.9, `b${i}`));
    expect(counted(burst, at(9.5))).toHaveLength(6);
    expect(passesThreshold(countWindow(burst, [], at(9.5), 10).joins.length, guard)).toBe(true);
  });
});
