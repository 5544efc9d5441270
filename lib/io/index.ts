export * from './atomic-write.js';
export * from './cleanup.js';
export * from './csv-file.js';
export * from './json-file.js';
export * from './lock.js';
