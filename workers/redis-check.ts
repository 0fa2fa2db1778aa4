import { Redis } from "ioredis";

/** `host:port` of a Redis URL, for messages (never the password). */
export function redisAddress(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || 6379}`;
}

/**
 * One line for a failed Redis command. ioredis's own words for a closed port, with the offline
 * queue off, are "Stream isn't writeable and enableOfflineQueue options is false".
 */
export function describeRedisError(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/NOAUTH|WRONGPASS|invalid password|invalid username/i.test(message)) {
    return `Redis at ${redisAddress(url)} refused the credentials in REDIS_URL: ${message}`;
  }
  return `Redis is unreachable at ${redisAddress(url)}`;
}

/** Connects once, PINGs and disconnects; throws an Error whose message is one line. */
export async function assertRedisReachable(url: string, timeoutMs = 3_000): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
  });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(describeRedisError(error, url), { cause: error });
  } finally {
    redis.disconnect();
  }
}
