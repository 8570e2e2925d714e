#!/usr/bin/env node
// The `badges` bin: runs cli/main.ts through tsx's loader, as `npm run badges` does.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
