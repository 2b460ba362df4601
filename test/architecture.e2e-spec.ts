import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Lints each probe as if it were the file at its path, with the project's own configuration. */
function lint(probes: readonly { path: string; code: string }[]): string[][] {
  const script = `
    import { ESLint } from 'eslint';
    const eslint = new ESLint();
    const probes = JSON.parse(process.argv[1]);
    const results = [];
    for (const { path, code } of probes) {
      const [report] = await eslint.lintText(code, { filePath: path });
      results.push(report.messages.map((message) => message.ruleId ?? 'parse-error'));
    }
    process.stdout.write(JSON.stringify(results));`;
  const result = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', script, JSON.stringify(probes)],
    { cwd: root, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as string[][];
}

/** An import, and a use of what it imports (so no unused-variable finding muddles the result). */
const probe = (path: string, code: string) => ({
  path,
  code: `${code}\nexport const probe = [${code.match(/\{ (\w+) \}/)![1]}];\n`,
});

/**
 * The architecture is enforced by lint: these imports are written into a context or a building
 * block and linted with the project's configuration, as a developer's editor and CI would.
 */
describe('architecture boundaries (lint)', () => {
  const refused: [string, string, string][] = [
    [
      'a context importing another context',
      'libs/threats/src/probe.ts',
      "import { DirectoryModule } from '@soc/directory';",
    ],
    [
      'a relative import into another context',
      'libs/threats/src/threat/probe.ts',
      "import { DirectoryModule } from '../../../directory/src/directory.module.js';",
    ],
    [
      'a deep import past a library’s public entry',
      'libs/threats/src/probe.ts',
      "import { LeaderLease } from '../../event-store/src/leader-lease.js';",
    ],
    [
      'security depending on delivery',
      'libs/security/src/probe.ts',
      "import { DeliveryModule } from '@soc/messaging';",
    ],
    [
      'the event store depending on delivery',
      'libs/event-store/src/probe.ts',
      "import { DeliveryModule } from '@soc/messaging';",
    ],
    [
      'production code using the testing kit',
      'libs/threats/src/probe.ts',
      "import { createTestDatabase } from '@soc/testing';",
    ],
  ];
  const allowed: [string, string, string][] = [
    [
      'a context using building blocks',
      'libs/threats/src/probe.ts',
      "import { EventStore } from '@soc/event-store';",
    ],
    [
      'a context’s own files',
      'libs/threats/src/threat/probe.ts',
      "import { threatStream } from './threat.js';",
    ],
    [
      'the application wiring contexts',
      'apps/standalone/src/probe.ts',
      "import { DirectoryModule } from '@soc/directory';",
    ],
    [
      'a test using the testing kit',
      'libs/threats/src/probe.spec.ts',
      "import { createTestDatabase } from '@soc/testing';",
    ],
  ];
  let findings: string[][] = [];

  beforeAll(() => {
    findings = lint([...refused, ...allowed].map(([, path, code]) => probe(path, code)));
  });

  it.each(refused.map((row, i) => [row[0], i] as const))('refuses %s', (_what, i) => {
    expect(findings[i]).toContain('boundaries/dependencies');
  });

  it.each(allowed.map((row, i) => [row[0], refused.length + i] as const))(
    'allows %s',
    (_what, i) => {
      expect(findings[i]).toEqual([]);
    },
  );
});
