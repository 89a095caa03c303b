{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "tagworker.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, plus the chart name unless the release name already contains it. */}}
{{- define "tagworker.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tagworker.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tagworker.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tagworker.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tagworker.labels" -}}
helm.sh/chart: {{ include "tagworker.chart" . }}
{{ include "tagworker.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: worker
{{- end }}

{{- define "tagworker.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tagworker.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "tagworker.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
A configuration value as text. YAML numbers reach templates as floats, which print as 1.4e+09; whole numbers are
printed as integers instead.
*/}}
{{- define "tagworker.scalar" -}}
{{- if kindIs "float64" . }}
{{- if eq . (floor .) }}{{ int64 . }}{{ else }}{{ . }}{{ end }}
{{- else }}
{{- . }}
{{- end }}
{{- end }}

{{/* The replica count the rate budget and ordering checks must assume: KEDA's maximum when it scales. */}}
{{- define "tagworker.maxReplicas" -}}
{{- if .Values.keda.enabled }}{{ int .Values.keda.maxReplicaCount }}{{ else }}{{ int .Values.replicaCount }}{{ end }}
{{- end }}

{{/* Short Service Bus namespace name for KEDA. */}}
{{- define "tagworker.kedaNamespace" -}}
{{- default (first (splitList "." .Values.serviceBus.fullyQualifiedNamespace)) .Values.keda.serviceBusNamespace }}
{{- end }}

{{/*
Refuses settings that would break the worker's guarantees or cannot start. Included by the StatefulSet (and so by
every render), so `helm template` and `helm install` fail with the reason.
*/}}
{{- define "tagworker.validate" -}}
{{- $sb := .Values.serviceBus }}
{{- $im := .Values.imApi }}
{{- $maxReplicas := int (include "tagworker.maxReplicas" .) }}

{{- /* Per-user order: one consumer per user at a time. */}}
{{- if and (or (gt $maxReplicas 1) .Values.keda.enabled) (not $sb.sessionsEnabled) }}
{{- fail (printf "tagworker: more than one consumer (replicaCount %d) or KEDA scaling (keda.enabled) needs serviceBus.sessionsEnabled=true. Per-user order holds only while each user's events go to one consumer at a time: without sessions two replicas would take the same user's events in parallel and could apply an older change after a newer one. Use a session-enabled queue whose publishers set SessionId to the user's partition key (docs/events.md), or run one replica without KEDA." (int .Values.replicaCount)) }}
{{- end }}

{{- /* Service Bus: authentication and entity. */}}
{{- $fqns := $sb.fullyQualifiedNamespace }}
{{- $connSecret := $sb.connectionString.existingSecret }}
{{- if and $fqns $connSecret }}
{{- fail "tagworker: set one of serviceBus.fullyQualifiedNamespace (workload identity) and serviceBus.connectionString.existingSecret, not both" }}
{{- end }}
{{- if not (or $fqns $connSecret) }}
{{- fail "tagworker: set serviceBus.fullyQualifiedNamespace (workload identity) or serviceBus.connectionString.existingSecret" }}
{{- end }}
{{- if and $sb.queueName (or $sb.topicName $sb.subscriptionName) }}
{{- fail "tagworker: set serviceBus.queueName, or serviceBus.topicName with serviceBus.subscriptionName, not both" }}
{{- end }}
{{- if and (not $sb.queueName) (not (and $sb.topicName $sb.subscriptionName)) }}
{{- fail "tagworker: set serviceBus.queueName, or both serviceBus.topicName and serviceBus.subscriptionName" }}
{{- end }}

{{- /* IM API. */}}
{{- if and $im.region $im.baseUrl }}
{{- fail "tagworker: set one of imApi.region and imApi.baseUrl, not both" }}
{{- end }}
{{- if not (or $im.region $im.baseUrl) }}
{{- fail "tagworker: set imApi.region (China, Singapore, Seoul, Tokyo, Frankfurt, SiliconValley, Jakarta, Mumbai) or imApi.baseUrl; without either the worker would not call the real API" }}
{{- end }}
{{- if not $im.sdkAppId }}
{{- fail "tagworker: imApi.sdkAppId is required (quote it)" }}
{{- end }}
{{- if not $im.adminIdentifier }}
{{- fail "tagworker: imApi.adminIdentifier is required (an app administrator account)" }}
{{- end }}
{{- if not $im.secretKey.existingSecret }}
{{- fail "tagworker: imApi.secretKey.existingSecret is required: the name of a Secret holding the app's secret key under imApi.secretKey.key" }}
{{- end }}

{{- /*
Rate budget: the vendor allows 100 calls/s per endpoint for the whole app (SDKAppID). Each replica spends
ImApi:RequestsPerSecond on its own (the worker has no shared budget), so all replicas together must stay within it.
*/}}
{{- $rps := 90.0 }}
{{- if not (kindIs "invalid" $im.requestsPerSecond) }}
{{- $rps = float64 $im.requestsPerSecond }}
{{- end }}
{{- $limit := 100.0 }}
{{- $total := mulf $rps (float64 $maxReplicas) }}
{{- if gt $total $limit }}
{{- fail (printf "tagworker: every replica spends imApi.requestsPerSecond (%v, default 90) on its own, as the worker has no shared rate budget; %d replicas would send up to %v calls/s per endpoint, over the vendor's %v for the whole app. Lower imApi.requestsPerSecond to at most %v (%v keeps the default's 10%% headroom)." $rps $maxReplicas $total $limit (floor (divf $limit (float64 $maxReplicas))) (floor (divf 90.0 (float64 $maxReplicas)))) }}
{{- end }}

{{- /* Shutdown: the kubelet must not kill the worker mid-drain. */}}
{{- $timeout := toString .Values.shutdown.timeout }}
{{- if not (regexMatch "^[0-9]{1,2}:[0-9]{2}:[0-9]{2}$" $timeout) }}
{{- fail (printf "tagworker: shutdown.timeout must be a TimeSpan hh:mm:ss, not %q" $timeout) }}
{{- end }}
{{- $parts := splitList ":" $timeout }}
{{- $seconds := add (mul (atoi (index $parts 0)) 3600) (mul (atoi (index $parts 1)) 60) (atoi (index $parts 2)) }}
{{- if lt (int .Values.terminationGracePeriodSeconds) (add $seconds 5) }}
{{- fail (printf "tagworker: terminationGracePeriodSeconds (%d) must exceed shutdown.timeout (%d s) by at least 5 s, or the kubelet kills the worker while it is still settling messages" (int .Values.terminationGracePeriodSeconds) $seconds) }}
{{- end }}

{{- /* Identity. */}}
{{- if and .Values.workloadIdentity.enabled (not .Values.workloadIdentity.clientId) }}
{{- fail "tagworker: workloadIdentity.enabled needs workloadIdentity.clientId" }}
{{- end }}

{{- /* KEDA. */}}
{{- if .Values.keda.enabled }}
{{- if gt (int .Values.keda.minReplicaCount) (int .Values.keda.maxReplicaCount) }}
{{- fail "tagworker: keda.minReplicaCount must not exceed keda.maxReplicaCount" }}
{{- end }}
{{- $kedaAuth := toString .Values.keda.auth.type }}
{{- if eq $kedaAuth "azure-workload" }}
{{- if not (include "tagworker.kedaNamespace" .) }}
{{- fail "tagworker: KEDA with azure-workload auth needs keda.serviceBusNamespace or serviceBus.fullyQualifiedNamespace" }}
{{- end }}
{{- else if eq $kedaAuth "connectionString" }}
{{- if not .Values.keda.auth.existingSecret }}
{{- fail "tagworker: keda.auth.type=connectionString needs keda.auth.existingSecret (a connection string with Manage rights)" }}
{{- end }}
{{- else }}
{{- fail (printf "tagworker: keda.auth.type must be azure-workload or connectionString, not %q" $kedaAuth) }}
{{- end }}
{{- end }}
{{- end }}
