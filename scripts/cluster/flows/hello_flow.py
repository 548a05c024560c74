"""A linear flow: run locally with the GCS datastore, then deployed to Argo Workflows."""
from metaflow import FlowSpec, step


class ClusterTestHelloFlow(FlowSpec):
    @step
    def start(self):
        self.message = "hello from the cluster test"
        self.next(self.end)

    @step
    def end(self):
        assert self.message.startswith("hello")


if __name__ == "__main__":
    ClusterTestHelloFlow()
