import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val mode       = Input(Bool())
    val too_cold    = Input(Bool())
    val too_hot    = Input(Bool())
    val fan_on     = Input(Bool())
    val heater     = Output(Bool())
    val aircon     = Output(Bool())
    val fan        = Output(Bool())
  })
  val heater = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val aircon = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val fan = RegInit(false.B) // resetn is the implicit reset: the harness inverts it

  when(io.mode) {
    heater := io.too_cold
    aircon := false.B
    fan := io.fan_on
  } .otherwise {
    heater := false.B
    aircon := io.too_hot
    fan := io.fan_on
  }
  io.heater := heater
  io.aircon := aircon
  io.fan := fan
}
