import { App } from "cdktf";
import { AppConfig } from "../config";
import { InfraStack } from "./infra-stack";
import { ServicesStack } from "./services-stack";
import { recordStackKind, stackName } from "../lib/stack-names";

/** The two stacks of one environment. */
export interface EnvironmentStacks {
  readonly infra: InfraStack;
  readonly services: ServicesStack;
}

/** Adds `<env>-infra` and `<env>-services` for every environment; services deploy after infra. */
export function addEnvironments(app: App, config: AppConfig): EnvironmentStacks[] {
  return config.environments.map((env) => {
    const infra = new InfraStack(app, stackName(env.name, "infra"), { env, stateBackend: config.stateBackend });
    const services = new ServicesStack(app, stackName(env.name, "services"), {
      env,
      stateBackend: config.stateBackend,
      infraStackName: infra.node.id,
    });
    services.addDependency(infra);
    recordStackKind(infra, "infra");
    recordStackKind(services, "services");
    return { infra, services };
  });
}
