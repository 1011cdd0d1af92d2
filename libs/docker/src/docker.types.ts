/** The fields of dockerd's answers this product reads. Everything else is passed through untouched. */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Image: string;
  HostsPath?: string;
  State: { Running: boolean; Pid: number; Status: string; Restarting?: boolean; StartedAt?: string; FinishedAt?: string };
  Config: {
    Hostname?: string;
    Domainname?: string;
    Env?: string[] | null;
    Labels?: Record<string, string> | null;
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
  };
  HostConfig: { NetworkMode?: string; Binds?: string[] | null; ExtraHosts?: string[] | null };
  Mounts?: Array<{ Source?: string; Destination: string }>;
  NetworkSettings?: Record<string, unknown>;
}

export interface ImageInspect {
  Id: string;
  Config?: { Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null } | null;
}

export interface DockerEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
  time: number;
  timeNano: number;
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  State: string;
}
