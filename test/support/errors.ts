// One way for tests to say "this must fail with that kind of error", and get the error to inspect.
import { expect } from 'vitest';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** The error a promise rejects with, which must be an instance of `cls`; fails the test if it resolves. */
export async function rejectionOf<E extends Error>(p: Promise<unknown>, cls: ErrorClass<E>): Promise<E> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(cls);
    return err as E;
  }
  throw new Error(`expected a ${cls.name}, but it succeeded`);
}

/** The error a call throws, which must be an instance of `cls`; fails the test if it returns. */
export function thrownBy<E extends Error>(fn: () => unknown, cls: ErrorClass<E>): E {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(cls);
    return err as E;
  }
  throw new Error(`expected a ${cls.name}, but it returned`);
}
