import chisel3._
import chisel3.util._

class OneShot extends Module {
  val io = IO(new Bundle {
    val start = Input(Bool())
    val duration = Input(UInt(4.W))
    val busy = Output(Bool())
    val done = Output(Bool())
    val remaining = Output(UInt(4.W))
  })
  val count = RegInit(0.U(4.W))
  val done = RegInit(false.B)
  val busy = RegInit(false.B)
  when(io.start && !busy) { busy := true.B }
  when(count === 0.U) { busy := false.B; done := true.B }
  when(count > 0.U) { count := count - 1.U }
  io.busy := !busy
  io.done := done
  io.remaining := count
}
