import { memoryStore } from '../../adapters/memory.js';
import { testStore } from './conformance.js';

testStore('memory', { make: async () => memoryStore() });
