import chisel3._
import chisel3.util._

class RisingEdge extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val detected = Output(Bool())
  })

  val prev  = RegInit(false.B)
  val detected = RegInit(false.B)
  when(io.in) { detected := !prev }
  prev := io.in
  io.detected := detected
}
