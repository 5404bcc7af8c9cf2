{{/* Names and labels shared by every template. */}}
{{- define "kprom.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kprom.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "kprom.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "kprom.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kprom.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kprom.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kprom.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "kprom.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "kprom.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kprom.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "kprom.webConfigEnabled" -}}
{{- if or .Values.web.tls.enabled .Values.web.basicAuthUsers -}}true{{- end -}}
{{- end -}}

{{- define "kprom.scheme" -}}
{{- if .Values.web.tls.enabled -}}HTTPS{{- else -}}HTTP{{- end -}}
{{- end -}}
