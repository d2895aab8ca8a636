namespace Portal.Provisioning.Stacks;

/// <summary>What a CloudFormation stack status means for the portal.</summary>
public enum StackCondition
{
    /// <summary>An operation is running (…_IN_PROGRESS).</summary>
    Busy,

    /// <summary>The stack exists and is usable (create or update complete, or an update rolled back to the previous state).</summary>
    Ready,

    /// <summary>Creation failed (ROLLBACK_COMPLETE, ROLLBACK_FAILED, CREATE_FAILED): AWS only lets such a stack be deleted.</summary>
    CreateFailed,

    /// <summary>An update could not even roll back (UPDATE_ROLLBACK_FAILED, UPDATE_FAILED).</summary>
    UpdateStuck,

    DeleteFailed,
    Deleted,
}

public static class StackStatus
{
    public static StackCondition Classify(string status) => status switch
    {
        _ when status.EndsWith("_IN_PROGRESS", StringComparison.Ordinal) => StackCondition.Busy,
        "CREATE_COMPLETE" or "UPDATE_COMPLETE" or "UPDATE_ROLLBACK_COMPLETE" or "IMPORT_COMPLETE" or "IMPORT_ROLLBACK_COMPLETE" => StackCondition.Ready,
        "ROLLBACK_COMPLETE" or "ROLLBACK_FAILED" or "CREATE_FAILED" => StackCondition.CreateFailed,
        "UPDATE_ROLLBACK_FAILED" or "UPDATE_FAILED" or "IMPORT_ROLLBACK_FAILED" => StackCondition.UpdateStuck,
        "DELETE_FAILED" => StackCondition.DeleteFailed,
        "DELETE_COMPLETE" => StackCondition.Deleted,
        _ => throw new ArgumentException($"Unknown CloudFormation stack status '{status}'.", nameof(status)),
    };

    /// <summary>An update that ended here did not apply: AWS rolled it back.</summary>
    public static bool IsRolledBackUpdate(string status) => status == "UPDATE_ROLLBACK_COMPLETE";
}
