export * from './event-queue.js';
export * from './mmc.js';
export * from './scheduler.js';
