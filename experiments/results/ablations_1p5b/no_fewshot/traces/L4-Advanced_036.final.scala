import chisel3._
import chisel3.util._

class ParamAdder(w: Int = 8) extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(w.W))
    val b = Input(UInt(w.W))
    val sum = Output(UInt(w + 1.W))
  })

  // Prevent overflow by adding a one bit wider value
  val sumWidth = w + 1.W
  val sum = io.a.asUInt + io.b.asUInt + UInt(1.U(sumWidth))

  // Ensure the sum is always one bit wider
  io.sum.width = sumWidth
}
