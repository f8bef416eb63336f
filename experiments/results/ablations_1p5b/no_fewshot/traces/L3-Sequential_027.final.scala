import chisel3._
import chisel3.util._

class Counter4bit extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool()) // Enable signal
    val count = Output(UInt(4.W)) // Output the current count value
  })

  // Increment the counter when en is high and not at its maximum value
  val countReg = RegInit(0.U(4.W))
  io.count := countReg.asUInt
  when (io.en && countReg < 3.U) {
    countReg := countReg + 1.U
  }
}
