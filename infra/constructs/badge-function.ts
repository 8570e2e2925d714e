import { join } from 'node:path';
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  ARCHITECTURE,
  DEFAULT_ENVIRONMENT,
  DEFAULT_MEMORY_MB,
  DEFAULT_TIMEOUT,
  LOG_RETENTION,
  REPO_ROOT,
  RUNTIME,
  bundlingFor,
  functionEntry,
} from '../function-defaults';
import type { FunctionName } from '../function-defaults';

/** What a caller may tune; everything else is a project default (infra/function-defaults.ts). */
export type BadgeFunctionProps = Pick<
  NodejsFunctionProps,
  'description' | 'memorySize' | 'timeout' | 'environment' | 'deadLetterQueue' | 'retryAttempts'
> & {
  /** The folder under functions/ whose handler.ts this function runs. */
  name: FunctionName;
};

/**
 * One Lambda function built with our defaults: Node.js 22 on arm64, ESM bundle with source maps,
 * Powertools environment, one month of logs, and a role that may write only to its own log group (grants
 * for the table and queues are added by the construct that wires the function in).
 *
 * No X-Ray tracing: no function creates a Powertools Tracer (or any X-Ray segment), so active tracing
 * would only record Lambda's own spans and need xray:Put* on Resource "*". Turn it on here together with a
 * Tracer in shared/, not before.
 */
export class BadgeFunction extends Construct {
  /** The folder under functions/ this function runs: the key of its grants (BadgeTable.bind). */
  readonly name: FunctionName;
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: BadgeFunctionProps) {
    super(scope, id);
    const { name, environment, ...tunable } = props;
    this.name = name;

    // Logs are operational, not business data: they expire after a month and go with the stack.
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Our own role instead of the AWSLambdaBasicExecutionRole managed policy, whose log permissions
    // cover every log group in the account: this one may only write to the group above.
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `seller-badges ${name} function`,
    });
    this.logGroup.grantWrite(role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: functionEntry(name),
      handler: 'handler',
      runtime: RUNTIME,
      architecture: ARCHITECTURE,
      memorySize: DEFAULT_MEMORY_MB,
      timeout: DEFAULT_TIMEOUT,
      logGroup: this.logGroup,
      role,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: bundlingFor(name),
      ...tunable,
      environment: { ...DEFAULT_ENVIRONMENT, ...environment },
    });

    // cdk-nag acknowledgements (AwsSolutions), each with the reason it does not apply here.
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the runtime this project pins (the bundles target node22) and a supported Lambda ' +
        'runtime; moving to nodejs24.x is a deliberate upgrade, made with its own test run, not a default.',
    });
  }
}
