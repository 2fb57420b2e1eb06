// Flat config: typescript-eslint's recommended rules, plus the architectural rules we enforce: the pure core never
// imports the AWS SDK or reads process.env; the functions never import the infrastructure, the local stack, the CLI
// or your config (a function that runs your code gets it from an entry in bin/functions/, which points down to both);
// the infrastructure never imports config/ (the stack receives your config as props).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const functionsStayBelow = {
  regex: '^(\\.\\./)+(lib|local|cli|config|bin)/',
  message: 'lambdas/ is below lib/, local/, cli/ and config/: take what you need as a parameter.',
};
const coreIsPure = {
  group: ['@aws-sdk/*', 'aws-sdk'],
  message: 'lambdas/core is pure: put AWS calls behind a port in lambdas/adapters.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.local-data/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['lambdas/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [functionsStayBelow] }] },
  },
  {
    files: ['lib/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(config|local|cli|bin)/',
              message: 'The stack receives your config as props (bin/app.ts reads config/).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lambdas/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [functionsStayBelow, coreIsPure] }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'lambdas/core takes plain values: read env in lambdas/wiring/ (inbound-env.ts, outbound-env.ts).',
        },
      ],
    },
  },
  {
    // The portal's front end runs in the browser: Node built-ins are not there, and of the server only the pure core
    // (types, and pure functions such as the event filter) may be bundled into it.
    files: ['web/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'web/src runs in the browser.' },
            {
              regex: '^(\\.\\./)+(lambdas/(?!core/)|local|cli|lib|config|bin)',
              message: 'web/src may import only lambdas/core (types and pure functions).',
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require'],
    },
  },
);
