using Portal.Data;

namespace Portal.Web.Components.People;

public static class FieldErrors
{
    /// <summary>The message to show next to <paramref name="field"/> when the service refused the input because of it.</summary>
    public static string? ErrorFor(this ActionResult? result, string field) =>
        result is { Outcome: ActionOutcome.Invalid } invalid && invalid.Field == field ? invalid.Message : null;
}
