using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Portal.Data;

/// <summary>Postgres errors the portal expects and answers, rather than failing on.</summary>
public static class DatabaseErrors
{
    /// <summary>The save broke a unique index: the given one, or any when <paramref name="index"/> is null.</summary>
    public static bool IsUniqueViolation(this DbUpdateException e, string? index = null) =>
        e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } postgres
        && (index is null || postgres.ConstraintName == index);
}
