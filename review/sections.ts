// The report's sections, in the order the report shows them. A new section is a file review/<section>.ts with a
// function from a SectionContext to a Section, and one entry here.
import { accessSection } from "./access";
import { changesSection } from "./change-section";
import { dataProtectionSection } from "./data-protection";
import { exposureSection } from "./exposure";
import { inventorySection } from "./inventory";
import { Section, SectionContext } from "./model";
import { nodePoolsSection } from "./node-pools";
import { secretsSection } from "./secrets";
import { supplyChainSection } from "./supply-chain";

export interface SectionDefinition {
  /** A stable name for the section, e.g. "data-protection". */
  readonly id: string;
  readonly build: (context: SectionContext) => Section;
}

export const SECTIONS: readonly SectionDefinition[] = [
  { id: "changes", build: changesSection },
  { id: "inventory", build: inventorySection },
  { id: "access", build: accessSection },
  { id: "exposure", build: exposureSection },
  { id: "node-pools", build: nodePoolsSection },
  { id: "data-protection", build: dataProtectionSection },
  { id: "secrets", build: secretsSection },
  { id: "supply-chain", build: supplyChainSection },
];
