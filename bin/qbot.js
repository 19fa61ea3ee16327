#!/usr/bin/env node
// The `qbot` command: runs the TypeScript CLI through tsx (no build step to forget).
'use strict';
require('tsx/cjs');
require('../signals/cli/run.ts');
