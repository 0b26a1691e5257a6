import type { Command } from 'commander';

export function registerDemoCommands(_program: Command): void {}
