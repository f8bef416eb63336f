import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val cpu_overheated = Input(Bool())
    val shut_off_computer = Output(Bool())
    val arrived = Input(Bool())
    val gas_tank_empty = Input(Bool())
    val keep_driving = Output(Bool())
  })
  val cpu_overheated = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val arrived = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val gas_tank_empty = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val keep_driving = RegInit(false.B) // resetn is the implicit reset: the harness inverts it

  when(cpu_overheated) {
    io.shut_off_computer := true.B
  }

  when(~arrived) {
    keep_driving := ~gas_tank_empty
  }
  io.keep_driving := keep_driving
}
