import type { Command } from 'commander';

export function registerRegionsCommands(_program: Command): void {}
