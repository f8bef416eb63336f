import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val ring = Input(Bool())
    val vibrate_mode = Input(Bool())
    val ringer = Output(Bool())
    val motor = Output(Bool())
  })
  val ring_count = RegInit(0.U(1.W))
  val vibrate_count = RegInit(0.U(1.W))
  when(io.ring) { ring_count := ring_count + 1.U }
  when(io.vibrate_mode) { vibrate_count := vibrate_count + 1.U }
  when(io.ring_count % 2 == 1) { io.ringer := true.B }
  when(io.vibrate_count % 2 == 1) { io.motor := true.B }
}
