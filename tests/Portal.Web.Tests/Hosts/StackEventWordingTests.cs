using Portal.Provisioning.Hosts;
using Portal.Web.Components.Hosts;

namespace Portal.Web.Tests.Hosts;

public sealed class StackEventWordingTests
{
    private static readonly DateTimeOffset Began = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
    private const string Infra = "portal-acme-web-dev-k3x9q2-infra";
    private const string App = "portal-acme-web-dev-k3x9q2-app";

    [Fact]
    public void Progress_names_the_newest_step_and_counts_the_resources_done_of_those_started_in_this_operation()
    {
        StackEventView[] events =
        [
            Event(1, Infra, -60, "OldResource", "CREATE_COMPLETE"), // an earlier operation's
            Event(2, Infra, 1, Infra, "CREATE_IN_PROGRESS"),
            Event(3, Infra, 2, "Vpc", "CREATE_IN_PROGRESS"),
            Event(4, Infra, 3, "Vpc", "CREATE_COMPLETE"),
            Event(5, Infra, 4, "Bucket", "CREATE_IN_PROGRESS"),
            Event(6, Infra, 5, "Bucket", "CREATE_COMPLETE"),
            Event(7, Infra, 6, Infra, "CREATE_COMPLETE"),
            Event(8, App, 7, App, "CREATE_IN_PROGRESS"),
            Event(9, App, 8, "DatabaseInstance", "CREATE_IN_PROGRESS"),
        ];

        var progress = StackEventWording.ProgressOf(events, Began);

        Assert.Equal(new StackEventWording.Progress("Software stack", "DatabaseInstance", "CREATE_IN_PROGRESS", Done: 2, Started: 3), progress);
    }

    [Fact]
    public void Progress_is_unknown_until_the_operation_has_an_event()
    {
        Assert.Null(StackEventWording.ProgressOf([Event(1, Infra, -5, "Vpc", "CREATE_COMPLETE")], Began));
        Assert.Null(StackEventWording.ProgressOf([], null));
    }

    [Fact]
    public void A_decommission_counts_deleted_and_retained_resources_as_done()
    {
        StackEventView[] events =
        [
            Event(1, App, 1, "Group", "DELETE_IN_PROGRESS"),
            Event(2, App, 2, "Group", "DELETE_COMPLETE"),
            Event(3, App, 3, "Logs", "DELETE_SKIPPED"),
            Event(4, App, 4, "DatabaseInstance", "DELETE_IN_PROGRESS"),
        ];

        var progress = StackEventWording.ProgressOf(events, Began)!;

        Assert.Equal((2, 3, "DatabaseInstance"), (progress.Done, progress.Started, progress.Resource));
    }

    private static StackEventView Event(long id, string stack, int seconds, string resource, string status) =>
        new(id, stack, Began.AddSeconds(seconds), resource, null, status, null);
}
