import chisel3._
import chisel3.util._

class TrafficLight extends Module {
  val io = IO(new Bundle {
    val en = Input(Bool()); val light = Output(UInt(2.W)); val timer = Output(UInt(3.W))
  })
  
  val green = 0.U(2.W)
  val yellow = 1.U(2.W)
  val red = 2.U(2.W)
  
  val timerReg = RegInit(4.U(3.W))
  
  when(io.en) {
    switch(timerReg) {
      is(0.U) {
        timerReg := green
      }
      is(green) {
        timerReg := yellow
      }
      is(yellow) {
        timerReg := red
      }
      is(red) {
        timerReg := green
      }
    }
  }
  io.light := timerReg.asUInt
  io.timer := timerReg
}
