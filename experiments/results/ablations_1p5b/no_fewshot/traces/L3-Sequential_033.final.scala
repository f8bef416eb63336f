import chisel3._
import chisel3.util._

class RisingEdge extends Module {
  val io = IO(new Bundle {
    val in = Input(Bits(1.W))
    val detected = Output(Bits(1.W))
  })

  val reg = RegInit(Bits(1.W)(0.U))
  reg := io.in

  when(reg(0)) {
    detected := io.in
  }

  when(reg(0) && !io.in) {
    detected := io.in
  }
}
