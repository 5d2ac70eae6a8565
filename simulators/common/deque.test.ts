import { describe, expect, it } from 'vitest';
import { Deque } from './deque.ts';

describe('deque', () => {
  it('keeps order through growth, wrap-around and pushes at the front', () => {
    const d = new Deque<number>(2);
    const model: number[] = [];
    // A scripted mix of operations, checked against a plain array.
    for (let i = 0; i < 500; i++) {
      if (i % 7 === 3) {
        d.unshift(-i);
        model.unshift(-i);
      } else if (i % 3 === 0) {
        expect(d.shift()).toBe(model.shift());
      } else {
        d.push(i);
        model.push(i);
      }
      expect(d.length).toBe(model.length);
      expect(d.peek()).toBe(model[0]);
    }
    expect(d.drain()).toEqual(model);
    expect(d.length).toBe(0);
    expect(d.shift()).toBeUndefined();
  });
});
