import { mailSend } from "./definitions/mail-send.ts";
import { createJobRegistry, type JobDefinition } from "./jobs.ts";

/** Every job the runner knows. Add a definition here when a domain module needs background work. */
export const jobDefinitions: JobDefinition[] = [mailSend as unknown as JobDefinition];

export const defaultJobRegistry = createJobRegistry(jobDefinitions);
