using Portal.AwsEmulator.CloudFormation.Templates;

namespace Portal.AwsEmulator.CloudFormation.Stacks;

/// <summary>What a stack declared before an update, for the rollback to put back.</summary>
public sealed record StackSnapshot(string TemplateBody, string? Description, List<StackParameterValue> Parameters, List<StackTag> Tags,
    List<string> Capabilities, List<string> NotificationArns, List<StackOutput> Outputs)
{
    public static StackSnapshot Of(StackRecord stack) => new(stack.TemplateBody, stack.Description, [.. stack.Parameters], [.. stack.Tags],
        [.. stack.Capabilities], [.. stack.NotificationArns], [.. stack.Outputs]);

    public void Restore(StackRecord stack)
    {
        (stack.TemplateBody, stack.Description, stack.Parameters, stack.Tags) = (TemplateBody, Description, [.. Parameters], [.. Tags]);
        (stack.Capabilities, stack.NotificationArns, stack.Outputs) = ([.. Capabilities], [.. NotificationArns], [.. Outputs]);
    }
}

/// <summary>Evaluates a blueprint's outputs (those whose condition holds) against the stack's resources.</summary>
public static class StackOutputs
{
    public static List<StackOutput> Evaluate(StackBlueprint blueprint, ResourceValues values)
    {
        var evaluator = new IntrinsicEvaluator(blueprint.Scope.With(values));
        return blueprint.Outputs.Select(output =>
        {
            var value = evaluator.Evaluate(output.Value);
            var text = value is System.Text.Json.Nodes.JsonArray list
                ? string.Join(',', list.Select(TemplateText.AsString))
                : TemplateText.AsString(value) ?? value?.ToJsonString() ?? "";
            var exportName = output.ExportName is null ? null : TemplateText.AsString(evaluator.Evaluate(output.ExportName));
            return new StackOutput(output.Name, text, output.Description, exportName);
        }).ToList();
    }
}
