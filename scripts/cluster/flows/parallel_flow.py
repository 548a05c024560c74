"""A @parallel step (num_parallel=2: a control task and one worker), which Metaflow runs as a JobSet.

Deployed to Argo Workflows (a resource step creates the JobSet) and run with `run`. The @parallel step carries
@kubernetes itself, which is what `run --with kubernetes` adds to every step: start and join run here, since kwok
runs no container and a step that ran in a pod would leave no artifacts for the next one.
"""
from metaflow import FlowSpec, current, kubernetes, parallel, step


class ClusterTestParallelFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.train, num_parallel=2)

    @kubernetes
    @parallel
    @step
    def train(self):
        self.node = current.parallel.node_index
        self.next(self.join)

    @step
    def join(self, inputs):
        self.nodes = sorted(i.node for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        assert self.nodes == [0, 1]


if __name__ == "__main__":
    ClusterTestParallelFlow()
