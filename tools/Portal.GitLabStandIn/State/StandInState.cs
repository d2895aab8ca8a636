namespace Portal.GitLabStandIn.State;

/// <summary>
/// The stand-in's records behind one lock. Callers take <see cref="Read{T}"/> or <see cref="Write{T}"/>; writes mark the
/// state dirty so <see cref="StatePersistence"/> saves it.
/// </summary>
public sealed class StandInState
{
    /// <summary>GitLab's first user: the administrator pushes into a bare repository on disk are attributed to.</summary>
    public const long RootUserId = 1;

    private readonly Lock gate = new();
    private StateData data = new();
    private long version;

    public long Version
    {
        get { lock (gate) return version; }
    }

    public T Read<T>(Func<StateData, T> read)
    {
        lock (gate) return read(data);
    }

    public T Write<T>(Func<StateData, T> write)
    {
        lock (gate)
        {
            var result = write(data);
            version++;
            return result;
        }
    }

    public void Write(Action<StateData> write) => Write(d =>
    {
        write(d);
        return true;
    });

    public void Replace(StateData loaded)
    {
        lock (gate)
        {
            data = loaded;
            version++;
        }
    }

    /// <summary>Ids come from per-kind sequences, as GitLab's tables have, so a hook id never collides with a project id.</summary>
    public static long NextId(StateData d, string sequence)
    {
        var next = d.Sequences.GetValueOrDefault(sequence) + 1;
        d.Sequences[sequence] = next;
        return next;
    }
}
