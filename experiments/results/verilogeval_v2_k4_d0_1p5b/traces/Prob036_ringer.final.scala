import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val ring   = Input(Bool())
    val vibrate_mode = Input(Bool())
    val ringer = Output(Bool())
    val motor = Output(Bool())
  })
  val ring = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  val motor = RegInit(false.B) // resetn is the implicit reset: the harness inverts it
  when(io.ring) { ring := true.B }
  when(io.vibrate_mode) { motor := true.B }
  io.ringer := ring
  io.motor := motor
}
