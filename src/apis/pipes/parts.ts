/**
 * The source, enrichment and target of a pipe, built by the factories of src/apis/pipes/sources/
 * and src/apis/pipes/{enrichment,targets}.ts over the emulator's shared senders.
 */
import type { AwsClients } from '../../engine/delivery/awsClients.js';
import type { ServiceDirectory } from '../../engine/delivery/serviceEndpoints.js';
import type { Logger } from '../../util/log.js';
import type { PipeEnrichment } from './contract.js';
import { createPipeEnrichment } from './enrichment.js';
import type { PipeRunnerDeps, PipeView } from './runner.js';
import { createPipeSource } from './sources/index.js';
import type { PipeDefinition, PipeStepDeps } from './steps.js';
import { createPipeTarget } from './targets.js';

export interface PipePartsDeps {
  services: ServiceDirectory;
  clients: AwsClients;
  log: Logger;
  steps: PipeStepDeps;
}

const definition = (pipe: PipeView): PipeDefinition => ({ ...(pipe.spec as Omit<PipeDefinition, 'Arn' | 'Name'>), Arn: pipe.arn, Name: pipe.name });
/** No Enrichment: the events go on as they are. */
const asIs: PipeEnrichment = async (events) => events;

export function pipeParts(deps: PipePartsDeps): Pick<PipeRunnerDeps, 'createSource' | 'createEnrichment' | 'createTarget'> {
  return {
    createSource: (ctx) => createPipeSource(ctx, { services: deps.services, clients: deps.clients, log: deps.log }),
    createEnrichment: (pipe) => createPipeEnrichment(definition(pipe), deps.steps) ?? asIs,
    createTarget: (pipe) => createPipeTarget(definition(pipe), deps.steps),
  };
}
