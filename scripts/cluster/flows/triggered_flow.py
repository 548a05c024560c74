"""A flow started by an event: `argo-workflows create` also makes an Argo Events Sensor for it."""
from metaflow import FlowSpec, step, trigger


@trigger(event="cluster_test_event")
class ClusterTestTriggeredFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ClusterTestTriggeredFlow()
