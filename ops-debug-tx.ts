import { PrismaClient } from "#db/generated/client/client.ts";
const seen = new Set<string>();
const original = PrismaClient.prototype.$transaction;
(PrismaClient.prototype as any).$transaction = function (this: any, arg: any, opts: any) {
  if (typeof arg !== "function") return original.call(this, arg, opts);
  return original.call(this, (tx: any) => {
    let inFlight = 0;
    const wrapModel = (delegate: any) =>
      new Proxy(delegate, {
        get(target, prop) {
          const value = target[prop];
          if (typeof value !== "function") return value;
          return (...args: any[]) => {
            if (inFlight > 0) {
              const stack = (new Error().stack ?? "").split("\n").filter((l) => l.includes("/work/wt/ops/") && !l.includes("node_modules") && !l.includes("ops-debug")).slice(0, 4).join(" | ");
              if (!seen.has(stack)) { seen.add(stack); console.error("CONCURRENT-TX", String(prop), stack); }
            }
            inFlight++;
            const p = value.apply(target, args);
            return Promise.resolve(p).finally(() => inFlight--);
          };
        },
      });
    const proxy = new Proxy(tx, {
      get(target, prop) {
        const value = target[prop];
        if (typeof prop === "string" && value && typeof value === "object" && !prop.startsWith("$")) return wrapModel(value);
        if (typeof prop === "string" && typeof value === "function" && prop.startsWith("$query") || prop === "$executeRaw" || prop === "$executeRawUnsafe") {
          return (...args: any[]) => { if (inFlight > 0) { const stack = (new Error().stack ?? "").split("\n").filter((l) => l.includes("/work/wt/ops/") && !l.includes("node_modules") && !l.includes("ops-debug")).slice(0, 4).join(" | "); if (!seen.has(stack)) { seen.add(stack); console.error("CONCURRENT-TX", String(prop), stack); } } inFlight++; return Promise.resolve(value.apply(target, args)).finally(() => inFlight--); };
        }
        return value;
      },
    });
    return arg(proxy);
  }, opts);
};
