import type { Services } from "../../server/services.ts";

declare module "@remix-run/node" {
  interface AppLoadContext {
    services: Services;
    cspNonce: string;
    clientIp: string | undefined;
    /** pino-http's id of this request: in the log and on every 5xx page. */
    requestId: string;
  }
}

export type { Services };
