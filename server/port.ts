import net from "node:net";

/** One line for a listen error: a busy port, a privileged one, or an address this host lacks. */
export function describeListenError(error: unknown, port: number, host: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") return `Port ${port} on ${host} is already in use: stop the other server or set PORT.`;
  if (code === "EACCES") return `Port ${port} on ${host} needs privileges this process lacks: set PORT above 1023.`;
  if (code === "EADDRNOTAVAIL") return `Cannot listen on ${host}: no such address on this machine (HOST).`;
  return `Cannot listen on ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Resolves with null when `port` can be bound on `host`, else with the one line saying why not.
 * Checked before the database and the job runner start, so a busy port costs nothing to report.
 */
export function checkPort(port: number, host: string): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", (error) => resolve(describeListenError(error, port, host)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(null)));
  });
}
