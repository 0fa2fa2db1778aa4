/**
 * The web layer's clock. Routes pass `now()` to domain verbs as `now`, so the process's deadlines
 * and notice periods can be tested in a browser: when NODE_ENV is "test", the test-only route
 * POST /__test/clock (app/routes/[__test].clock.tsx) moves this clock forward by an offset kept
 * for the whole process. In any other mode the offset is always zero and that route answers 404.
 */
const KEY = Symbol.for("jiebang.testClockOffsetMs");
type ClockHolder = { [KEY]?: number };

// Read at run time: the Remix compiler replaces the literal `process.env.NODE_ENV` with the build mode.
const MODE_VARIABLE = ["NODE", "ENV"].join("_");

export function testClockEnabled(): boolean {
  return process.env[MODE_VARIABLE] === "test";
}

export function clockOffsetMs(): number {
  if (!testClockEnabled()) return 0;
  return (globalThis as ClockHolder)[KEY] ?? 0;
}

export function setClockOffsetMs(ms: number): void {
  if (!testClockEnabled()) throw new Error("the test clock exists only when NODE_ENV=test");
  (globalThis as ClockHolder)[KEY] = ms;
}

export function now(): Date {
  return new Date(Date.now() + clockOffsetMs());
}
