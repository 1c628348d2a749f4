{{/*
Chart name, truncated to 63 characters (DNS label limit).
*/}}
{{- define "tessera.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: <release>-<chart>, or <release> when it already contains the chart name.
*/}}
{{- define "tessera.fullname" -}}
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

{{- define "tessera.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object, without a component.
*/}}
{{- define "tessera.baseLabels" -}}
helm.sh/chart: {{ include "tessera.chart" . }}
app.kubernetes.io/name: {{ include "tessera.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tessera
{{- end }}

{{/*
Selector of the server pods. It includes the component so that the migration Job's pod never
matches the Service, the PDB or the Deployment.
*/}}
{{- define "tessera.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tessera.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end }}

{{- define "tessera.labels" -}}
{{ include "tessera.baseLabels" . }}
app.kubernetes.io/component: server
{{- end }}

{{- define "tessera.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tessera.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Name of the Secret the pods and the migration Job read: existingSecret, or the chart's own.
*/}}
{{- define "tessera.secretName" -}}
{{- default (include "tessera.fullname" .) .Values.existingSecret }}
{{- end }}

{{- define "tessera.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{/*
TESSERA_PUBLIC_URL: config.publicUrl, else the first ingress host, else the in-cluster Service.
*/}}
{{- define "tessera.publicUrl" -}}
{{- if .Values.config.publicUrl }}
{{- .Values.config.publicUrl | trimSuffix "/" }}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts }}
{{- $host := (first .Values.ingress.hosts).host }}
{{- $tls := false }}
{{- range .Values.ingress.tls }}
{{- if has $host (.hosts | default list) }}{{ $tls = true }}{{ end }}
{{- end }}
{{- printf "%s://%s" (ternary "https" "http" $tls) $host }}
{{- else }}
{{- $svc := printf "%s.%s.svc" (include "tessera.fullname" .) .Release.Namespace }}
{{- if eq (int .Values.service.port) 80 }}
{{- printf "http://%s" $svc }}
{{- else }}
{{- printf "http://%s:%d" $svc (int .Values.service.port) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Non-secret configuration as a flat map. One source for the ConfigMap's data and the migration
Job's inline env (the Job is a pre-install hook and runs before the ConfigMap exists).
*/}}
{{- define "tessera.configData" -}}
PORT: {{ .Values.config.port | toString | quote }}
HOST: "0.0.0.0"
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
TESSERA_PUBLIC_URL: {{ include "tessera.publicUrl" . | quote }}
TESSERA_TRUST_PROXY_HOPS: {{ .Values.config.trustProxyHops | toString | quote }}
TESSERA_SHUTDOWN_GRACE_SECONDS: {{ max 0 (sub (int .Values.terminationGracePeriodSeconds) 5) | toString | quote }}
{{- with .Values.config.accountId }}
TESSERA_ACCOUNT_ID: {{ . | toString | quote }}
{{- end }}
{{- end }}

{{/*
Secret keys read by every pod and the migration Job, by reference. A missing required key stops
the pod with CreateContainerConfigError naming the key (rather than letting Tessera boot without
a database). The root bootstrap credentials are optional.
*/}}
{{- define "tessera.secretEnv" -}}
{{- $secret := include "tessera.secretName" . }}
{{- range list "DATABASE_URL" "REDIS_URL" "TESSERA_MASTER_KEY" }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ . }}
{{- end }}
{{- range list "TESSERA_ROOT_ACCESS_KEY_ID" "TESSERA_ROOT_SECRET_ACCESS_KEY" }}
- name: {{ . }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ . }}
      optional: true
{{- end }}
{{- end }}
