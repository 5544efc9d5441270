export * from './distributions.js';
export * from './event-queue.js';
export * from './mmc.js';
export * from './rng.js';
export * from './scheduler.js';
export * from './ziggurat.js';
