#!/usr/bin/env node
// The `recur` executable: runs the TypeScript CLI (main.ts) through tsx's module loader.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
