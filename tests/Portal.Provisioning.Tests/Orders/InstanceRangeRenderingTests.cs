using Portal.Data.Entities;

namespace Portal.Provisioning.Tests.Orders;

public sealed class InstanceRangeRenderingTests
{
    [Fact]
    public void The_ordered_instance_range_reaches_the_software_stack_and_the_plans_applies_otherwise()
    {
        var renderer = RenderInputs.Renderer();
        var host = RenderInputs.Host(plan: "medium");

        var planDefault = renderer.RenderSoftware(RenderInputs.Order(EnvironmentKind.Dev, host), listenerPriority: 10);
        host.MinInstances = 3;
        host.MaxInstances = 4;
        var ordered = renderer.RenderSoftware(RenderInputs.Order(EnvironmentKind.Dev, host), listenerPriority: 10);

        Assert.Equal(("2", "4"), (Parameter(planDefault, "MinInstances"), Parameter(planDefault, "MaxInstances")));
        Assert.Equal(("3", "4"), (Parameter(ordered, "MinInstances"), Parameter(ordered, "MaxInstances")));
    }

    private static string Parameter(Portal.Provisioning.Templates.RenderedStack stack, string key) =>
        stack.Parameters.Single(p => p.Key == key).Value;
}
