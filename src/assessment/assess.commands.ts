import type { Command } from 'commander';

export function registerAssessCommands(_program: Command): void {}
