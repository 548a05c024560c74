"""A flow on a schedule: `argo-workflows create` also makes a CronWorkflow for it."""
from metaflow import FlowSpec, schedule, step


@schedule(daily=True)
class ClusterTestScheduledFlow(FlowSpec):
    @step
    def start(self):
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    ClusterTestScheduledFlow()
