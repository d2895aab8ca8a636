namespace Portal.Data;

/// <summary>
/// What became of a person's request to act on a host or a release (retry, decommission, stop, re-sync, settings…):
/// the outcome, and in words what happened or why it was refused. Pages show the message; the API maps the outcome
/// to a status (Done 2xx, NotFound 404, Conflict 409, Invalid 400, Unavailable 503).
/// </summary>
public sealed record ActionResult(ActionOutcome Outcome, string Message, string? Field = null)
{
    public bool Succeeded => Outcome == ActionOutcome.Done;

    public static ActionResult Done(string message) => new(ActionOutcome.Done, message);
    public static ActionResult NotFound(string message) => new(ActionOutcome.NotFound, message);
    public static ActionResult Conflict(string message) => new(ActionOutcome.Conflict, message);
    public static ActionResult Unavailable(string message) => new(ActionOutcome.Unavailable, message);

    /// <summary>Refused because of what was sent; <paramref name="field"/> names the input at fault.</summary>
    public static ActionResult Invalid(string field, string message) => new(ActionOutcome.Invalid, message, field);
}

public enum ActionOutcome { Done, NotFound, Conflict, Invalid, Unavailable }
