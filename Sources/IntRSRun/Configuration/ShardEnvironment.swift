/// `--shard auto`: the shard index and count read from the environment of a job-array engine, so that one
/// command line serves every task of the array. No scheduler: the engine starts the tasks, `intrs merge`
/// joins their outputs and checks from the records that every shard and example is there.
///
/// - Slurm job arrays (https://slurm.schedmd.com/job_array.html): `SLURM_ARRAY_TASK_ID`, with
///   `SLURM_ARRAY_TASK_COUNT` and `SLURM_ARRAY_TASK_MIN` (the first task id: `--array=1-4` starts at 1, so the
///   shard index is ID - MIN). Only a contiguous range `--array=a-b` (throttle `%k` allowed) maps onto shards
///   0..<n; a step (`SLURM_ARRAY_TASK_STEP` other than 1) or a list such as `1,3,7` (MAX - MIN + 1 differs from
///   COUNT) is refused, since some shards would never run.
/// - Kubernetes Indexed Jobs (https://kubernetes.io/docs/tasks/job/indexed-parallel-processing-static/): the
///   control plane sets `JOB_COMPLETION_INDEX` (0 ..< spec.completions) but does not export the completion
///   count to the pod, so the count comes from `--shard-count N` or the environment variable
///   `INTRS_SHARD_COUNT` (set it to spec.completions in the manifest, tools/cluster/certify-indexed-job.yaml).
///
/// Traps: both engines' variables present (a Kubernetes pod launched from a Slurm task, say) is accepted only
/// when they name the same shard; every malformed, missing or inconsistent variable is an error naming it and
/// its value, before any work (a usage ``RunError``; `intrs` exits 64).
///
/// The environment is a parameter (the process's is `ProcessInfo.processInfo.environment`), so every case is
/// testable in-process.
public enum ShardEnvironment {
    public static let countVariable = "INTRS_SHARD_COUNT"

    /// The shard for `--shard` (nil: unsharded). `count` is `--shard-count`, only meaningful with `auto`.
    public static func resolve(option: String?, count: Int?, environment env: [String: String]) throws -> Shard? {
        guard let option else {
            if let c = count { throw RunError(usage: "--shard-count \(c): only with --shard auto") }
            return nil
        }
        guard option == "auto" else {
            if let c = count { throw RunError(usage: "--shard-count \(c): only with --shard auto (--shard \(option) gives the count)") }
            return try Shard.parse(option)
        }
        if let c = count, c < 1 { throw RunError(usage: "--shard-count \(c): must be >= 1") }
        let given = try givenCount(count, env)
        let slurm = try slurmShard(env, given: given)
        let kubernetes = try kubernetesShard(env, given: given)
        switch (slurm, kubernetes) {
        case let (s?, k?):
            guard s == k else {
                throw RunError(usage: "--shard auto: the Slurm array says shard \(s.index)/\(s.count) (SLURM_ARRAY_TASK_ID=\(env["SLURM_ARRAY_TASK_ID"]!)) but the Kubernetes Indexed Job says \(k.index)/\(k.count) (JOB_COMPLETION_INDEX=\(env["JOB_COMPLETION_INDEX"]!)): unset one, or pass --shard i/n")
            }
            return s
        case let (s?, nil): return s
        case let (nil, k?): return k
        case (nil, nil):
            throw RunError(usage: "--shard auto: no job array in the environment: expected SLURM_ARRAY_TASK_ID (Slurm job array, with SLURM_ARRAY_TASK_COUNT and SLURM_ARRAY_TASK_MIN) or JOB_COMPLETION_INDEX (Kubernetes Indexed Job, with --shard-count N or \(countVariable)); or pass --shard i/n")
        }
    }

    /// The count from `--shard-count` or INTRS_SHARD_COUNT (they must agree when both are given).
    static func givenCount(_ option: Int?, _ env: [String: String]) throws -> Int? {
        guard let text = env[countVariable] else { return option }
        let c = try integer(countVariable, text, minimum: 1)
        if let o = option, o != c {
            throw RunError(usage: "--shard-count \(o) and \(countVariable)=\(text) disagree: give one, or the same count")
        }
        return c
    }

    static func slurmShard(_ env: [String: String], given: Int?) throws -> Shard? {
        guard let idText = env["SLURM_ARRAY_TASK_ID"] else { return nil }
        let id = try integer("SLURM_ARRAY_TASK_ID", idText, minimum: 0)
        guard let countText = env["SLURM_ARRAY_TASK_COUNT"] else {
            throw RunError(usage: "--shard auto: SLURM_ARRAY_TASK_ID=\(idText) is set but SLURM_ARRAY_TASK_COUNT is not (Slurm sets both for a job array, from version 17.11)")
        }
        let count = try integer("SLURM_ARRAY_TASK_COUNT", countText, minimum: 1)
        guard let minText = env["SLURM_ARRAY_TASK_MIN"] else {
            throw RunError(usage: "--shard auto: SLURM_ARRAY_TASK_ID=\(idText) is set but SLURM_ARRAY_TASK_MIN is not: the array's first task id is unknown, so the shard index (ID - MIN) is too")
        }
        let min = try integer("SLURM_ARRAY_TASK_MIN", minText, minimum: 0)
        if let stepText = env["SLURM_ARRAY_TASK_STEP"], try integer("SLURM_ARRAY_TASK_STEP", stepText, minimum: 1) != 1 {
            throw RunError(usage: "--shard auto: SLURM_ARRAY_TASK_STEP=\(stepText): an array with a step does not number its tasks 0..<n; submit --array=0-\(count - 1)")
        }
        if let maxText = env["SLURM_ARRAY_TASK_MAX"] {
            let max = try integer("SLURM_ARRAY_TASK_MAX", maxText, minimum: 0)
            guard max - min + 1 == count else {
                throw RunError(usage: "--shard auto: SLURM_ARRAY_TASK_MIN=\(minText), SLURM_ARRAY_TASK_MAX=\(maxText) and SLURM_ARRAY_TASK_COUNT=\(countText): not a contiguous range (a list such as 1,3,7?); submit --array=0-\(count - 1)")
            }
        }
        guard id >= min, id - min < count else {
            throw RunError(usage: "--shard auto: SLURM_ARRAY_TASK_ID=\(idText) is outside SLURM_ARRAY_TASK_MIN=\(minText) ... MIN + SLURM_ARRAY_TASK_COUNT - 1 = \(min + count - 1)")
        }
        if let g = given, g != count {
            throw RunError(usage: "--shard auto: SLURM_ARRAY_TASK_COUNT=\(countText) but the given count (--shard-count or \(countVariable)) is \(g)")
        }
        return Shard(index: id - min, count: count)
    }

    static func kubernetesShard(_ env: [String: String], given: Int?) throws -> Shard? {
        guard let text = env["JOB_COMPLETION_INDEX"] else { return nil }
        let index = try integer("JOB_COMPLETION_INDEX", text, minimum: 0)
        guard let count = given else {
            throw RunError(usage: "--shard auto: JOB_COMPLETION_INDEX=\(text) is set but the shard count is not: Kubernetes does not export spec.completions to the pod; pass --shard-count N or set \(countVariable) in the manifest")
        }
        guard index < count else {
            throw RunError(usage: "--shard auto: JOB_COMPLETION_INDEX=\(text) must be < the shard count \(count) (--shard-count or \(countVariable); spec.completions)")
        }
        return Shard(index: index, count: count)
    }

    static func integer(_ name: String, _ text: String, minimum: Int) throws -> Int {
        guard let v = Int(text), v >= minimum else {
            throw RunError(usage: "--shard auto: \(name)=\"\(text)\": expected an integer >= \(minimum)")
        }
        return v
    }
}
